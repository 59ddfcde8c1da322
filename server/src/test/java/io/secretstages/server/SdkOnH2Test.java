package io.secretstages.server;

/** {@link SdkContract} on the JDBC store over an in-memory H2 database. */
class SdkOnH2Test extends SdkContract {
    @Override
    Fixture newFixture() {
        return Fixture.h2();
    }
}
