/**
 * secret-stages core: {@code StageManager} with the stage rules, and the {@code StageRepository} SPI.
 */
module io.secretstages.core {
    requires org.slf4j;
    requires com.github.benmanes.caffeine;

    exports io.secretstages;
    exports io.secretstages.spi;
}
