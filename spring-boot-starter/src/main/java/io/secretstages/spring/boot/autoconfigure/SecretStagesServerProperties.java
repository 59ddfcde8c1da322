package io.secretstages.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code secret-stages.server.*} ({@link SecretStagesProperties#getServer()}): the CSMS-compatible HTTP server (needs
 * {@code secret-stages-server}). Checked at start-up only when enabled; a rejection never carries a credential.
 */
public class SecretStagesServerProperties {
    /** Whether to start a CSMS-compatible HTTP server over the StageManager bean. */
    private boolean enabled;

    /** The TCP port; 0 picks a free one. */
    private int port;

    /** The address to bind. */
    private String host = "127.0.0.1";

    /** AK/SK pairs the server accepts, each for its projects. */
    private List<AccessKey> accessKeys = new ArrayList<>();

    /** X-Auth-Token values the server accepts, each for its projects. */
    private List<Token> tokens = new ArrayList<>();

    /** @return whether the server is started */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the server is started */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the port, 0 for any free one */
    public int getPort() {
        return port;
    }

    /** @param port the port, 0 for any free one */
    public void setPort(int port) {
        this.port = port;
    }

    /** @return the bound address */
    public String getHost() {
        return host;
    }

    /** @param host the bound address */
    public void setHost(String host) {
        this.host = host;
    }

    /** @return the accepted AK/SK pairs */
    public List<AccessKey> getAccessKeys() {
        return accessKeys;
    }

    /** @param accessKeys the accepted AK/SK pairs */
    public void setAccessKeys(List<AccessKey> accessKeys) {
        this.accessKeys = accessKeys;
    }

    /** @return the accepted tokens */
    public List<Token> getTokens() {
        return tokens;
    }

    /** @param tokens the accepted tokens */
    public void setTokens(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** One AK/SK pair and the projects it may read and change (S4, S5); never printed. */
    public static class AccessKey {
        /** The access key (AK). */
        private String accessKey;

        /** The secret key (SK). */
        private String secretKey;

        /** The projects this pair may read and change. */
        private List<String> projects = new ArrayList<>();

        /** @return the access key */
        public String getAccessKey() {
            return accessKey;
        }

        /** @param accessKey the access key */
        public void setAccessKey(String accessKey) {
            this.accessKey = accessKey;
        }

        /** @return the secret key */
        public String getSecretKey() {
            return secretKey;
        }

        /** @param secretKey the secret key */
        public void setSecretKey(String secretKey) {
            this.secretKey = secretKey;
        }

        /** @return the granted projects */
        public List<String> getProjects() {
            return projects;
        }

        /** @param projects the granted projects */
        public void setProjects(List<String> projects) {
            this.projects = projects;
        }
    }

    /** One X-Auth-Token and the projects it may read and change (S4, S5); never printed. */
    public static class Token {
        /** The token. */
        private String token;

        /** The projects this token may read and change. */
        private List<String> projects = new ArrayList<>();

        /** @return the token */
        public String getToken() {
            return token;
        }

        /** @param token the token */
        public void setToken(String token) {
            this.token = token;
        }

        /** @return the granted projects */
        public List<String> getProjects() {
            return projects;
        }

        /** @param projects the granted projects */
        public void setProjects(List<String> projects) {
            this.projects = projects;
        }
    }
}
