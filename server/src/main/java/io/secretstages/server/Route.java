package io.secretstages.server;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Where a request path points (S1): which resource of the CSMS v1 API, in which project, on which secret, version
 * or stage. The path segments are percent-decoded; the names are checked by the {@code StageManager} (R1-R4).
 *
 * @param resource the resource kind, or {@link Resource#UNKNOWN}
 * @param projectId the project segment, or null when the path has none
 * @param secretName the secret segment, or null
 * @param leaf the version id or stage name segment, or null
 */
record Route(Resource resource, String projectId, String secretName, String leaf) {
    /** The resources of S1, each with the methods it answers. */
    enum Resource {
        SECRETS("GET", "POST"),
        SECRET("GET", "PUT", "DELETE"),
        SCHEDULE_DELETION("POST"),
        CANCEL_DELETION("POST"),
        VERSIONS("GET", "POST"),
        VERSION("GET", "PUT"),
        STAGE("GET", "PUT", "DELETE"),
        UNKNOWN();

        private final Set<String> methods;

        Resource(String... methods) {
            this.methods = Set.of(methods);
        }

        boolean allows(String method) {
            return methods.contains(method);
        }

        String allowHeader() {
            return String.join(", ", methods.stream().sorted().toList());
        }
    }

    /** @param rawPath the path as sent; a malformed percent escape makes it {@link Resource#UNKNOWN} */
    static Route of(String rawPath) {
        String[] raw = rawPath.split("/");
        // raw[0] is the empty text before the leading slash
        if (raw.length < 3 || !raw[0].isEmpty() || !raw[1].equals("v1")) {
            return new Route(Resource.UNKNOWN, null, null, null);
        }
        String[] s = new String[raw.length];
        try {
            for (int i = 2; i < raw.length; i++) {
                s[i] = SdkHmacSha256Verifier.decode(raw[i]);
            }
        } catch (IllegalArgumentException e) {
            return new Route(Resource.UNKNOWN, null, null, null);
        }
        String project = s[2];
        if (raw.length < 4 || !s[3].equals("secrets")) {
            return new Route(Resource.UNKNOWN, project, null, null);
        }
        List<String> rest = Arrays.asList(s).subList(4, s.length);
        switch (rest.size()) {
            case 0:
                return new Route(Resource.SECRETS, project, null, null);
            case 1:
                return new Route(Resource.SECRET, project, rest.get(0), null);
            case 2:
                return rest.get(1).equals("versions") ? new Route(Resource.VERSIONS, project, rest.get(0), null)
                        : new Route(Resource.UNKNOWN, project, null, null);
            case 3:
                String kind = rest.get(1);
                if (kind.equals("versions")) {
                    return new Route(Resource.VERSION, project, rest.get(0), rest.get(2));
                }
                if (kind.equals("stages")) {
                    return new Route(Resource.STAGE, project, rest.get(0), rest.get(2));
                }
                if (kind.equals("scheduled-deleted-tasks") && rest.get(2).equals("create")) {
                    return new Route(Resource.SCHEDULE_DELETION, project, rest.get(0), null);
                }
                if (kind.equals("scheduled-deleted-tasks") && rest.get(2).equals("cancel")) {
                    return new Route(Resource.CANCEL_DELETION, project, rest.get(0), null);
                }
                return new Route(Resource.UNKNOWN, project, null, null);
            default:
                return new Route(Resource.UNKNOWN, project, null, null);
        }
    }
}
