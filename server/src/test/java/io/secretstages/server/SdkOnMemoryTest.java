package io.secretstages.server;

/** {@link SdkContract} on the in-memory store. */
class SdkOnMemoryTest extends SdkContract {
    @Override
    Fixture newFixture() {
        return Fixture.memory();
    }
}
