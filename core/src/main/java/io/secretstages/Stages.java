package io.secretstages;

/** The names of the built-in stages. Stage names are case-sensitive: {@code "syscurrent"} is a custom stage (R3). */
public final class Stages {
    /** The stage of the current version: always present on a secret with versions (I2). */
    public static final String SYSCURRENT = "SYSCURRENT";
    /** The stage of the version that held {@link #SYSCURRENT} before it last moved; managed by R12 alone (R13). */
    public static final String SYSPREVIOUS = "SYSPREVIOUS";

    private Stages() {
    }

    /**
     * @param stageName a stage name, may be null
     * @return whether it names {@link #SYSCURRENT} or {@link #SYSPREVIOUS}
     */
    public static boolean isBuiltIn(String stageName) {
        return SYSCURRENT.equals(stageName) || SYSPREVIOUS.equals(stageName);
    }
}
