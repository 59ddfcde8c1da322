package io.secretstages.cli;

import io.etcd.jetcd.Client;
import io.secretstages.store.etcd.EtcdStageRepository;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The global {@code --etcd ENDPOINTS} (with {@code --etcd-prefix}): the store is an etcd cluster
 * ({@link EtcdStageRepository}) instead of a JDBC database. Endpoints are a comma-separated list of
 * {@code http://host:port} (or {@code https://}) client URLs of the cluster's members; a malformed list is a usage
 * error before any connection. The client is made once per process and lives as long as it does (one-shot commands
 * exit; {@code serve} serves until stopped).
 */
final class EtcdOption {
    /** The key prefix when {@code --etcd-prefix} is not given: the store's own default. */
    static final String DEFAULT_PREFIX = "ss/";

    private final List<String> endpoints;
    private final String prefix;

    private EtcdOption(List<String> endpoints, String prefix) {
        this.endpoints = endpoints;
        this.prefix = prefix;
    }

    /**
     * @param endpoints the {@code --etcd} value
     * @param prefix the {@code --etcd-prefix} value
     * @return the option, checked
     * @throws CliFailure a usage error if an endpoint is not an http(s) URL with a host and a port, or the prefix is
     *                    empty
     */
    static EtcdOption parse(String endpoints, String prefix) {
        List<String> urls = new ArrayList<>();
        for (String part : endpoints.split(",", -1)) {
            String endpoint = part.strip();
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw notAnEndpoint(endpoint);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getPort() < 0 || uri.getUserInfo() != null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
                throw notAnEndpoint(endpoint);
            }
            urls.add(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
        }
        if (prefix.isEmpty()) {
            throw CliFailure.usage("--etcd-prefix must not be empty (every key of the store starts with it;"
                    + " default " + DEFAULT_PREFIX + ")");
        }
        return new EtcdOption(List.copyOf(urls), prefix);
    }

    private static CliFailure notAnEndpoint(String endpoint) {
        int at = endpoint.lastIndexOf('@');
        if (at >= 0) { // user:password@ is never echoed: the URLs carry no credentials
            int scheme = endpoint.indexOf("://");
            String start = scheme >= 0 && scheme < at ? endpoint.substring(0, scheme + 3) : "";
            return CliFailure.usage("--etcd takes the cluster's client URLs without credentials (no user@ or"
                    + " user:password@), such as http://127.0.0.1:2379; not one: '" + start + "...@"
                    + endpoint.substring(at + 1) + "'");
        }
        return CliFailure.usage("--etcd takes the cluster's client URLs, comma-separated, such as"
                + " http://127.0.0.1:2379,http://127.0.0.1:22379; not one: '" + endpoint + "'");
    }

    /**
     * @param timeout the {@code --timeout}: the deadline of each etcd request
     * @return the store over a new client of the cluster
     */
    EtcdStageRepository open(Duration timeout) {
        Client client = Client.builder().endpoints(endpoints.toArray(new String[0])).build();
        return EtcdStageRepository.builder(client).keyPrefix(prefix).requestTimeout(timeout).build();
    }

    /** @return the cluster and prefix, for messages */
    String describe() {
        return "etcd " + String.join(",", endpoints) + " (prefix " + prefix + ")";
    }
}
