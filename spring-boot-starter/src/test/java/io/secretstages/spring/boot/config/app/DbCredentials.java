package io.secretstages.spring.boot.config.app;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code db.user} and {@code db.password}, from the JSON secret {@code {"db": {"user": ..., "password": ...}}}. */
@ConfigurationProperties("db")
public class DbCredentials {
    private String user;
    private String password;

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
