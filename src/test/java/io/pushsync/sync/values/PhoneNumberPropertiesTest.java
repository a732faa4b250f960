package io.pushsync.sync.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.values.PhoneNumbers.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code pushsync.phone-numbers.validation}: possible by default, valid on request, anything else stops start-up. */
class PhoneNumberPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PhoneNumberProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void possibleIsTheDefault() {
        runner.run(context -> {
            PhoneNumberProperties properties = context.getBean(PhoneNumberProperties.class);
            assertThat(properties.validation()).isEqualTo(Validation.POSSIBLE);
            assertThat(properties.phoneNumbers("").toE164("447700900900")).contains("+447700900900");
        });
    }

    @ParameterizedTest
    @CsvSource({"possible, POSSIBLE", "valid, VALID", "VALID, VALID", "Possible, POSSIBLE"})
    void eitherModeBinds(String value, Validation expected) {
        runner.withPropertyValues("pushsync.phone-numbers.validation=" + value).run(context ->
                assertThat(context.getBean(PhoneNumberProperties.class).validation()).isEqualTo(expected));
    }

    @Test
    void theModeReachesThePhoneNumbersItMakes() {
        runner.withPropertyValues("pushsync.phone-numbers.validation=valid").run(context -> {
            PhoneNumberProperties properties = context.getBean(PhoneNumberProperties.class);
            assertThat(properties.phoneNumbers("").toE164("447700900900")).isEmpty();
            assertThat(properties.phoneNumbers("IE").toE164("085 012 3456")).contains("+353850123456");
        });
    }

    @Test
    void anEmptyValueMeansTheDefault() {
        runner.withPropertyValues("pushsync.phone-numbers.validation=").run(context ->
                assertThat(context.getBean(PhoneNumberProperties.class).validation()).isEqualTo(Validation.POSSIBLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"strict", "true", "possible,valid"})
    void anythingElseStopsTheStartUpNamingTheKey(String value) {
        runner.withPropertyValues("pushsync.phone-numbers.validation=" + value).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("pushsync.phone-numbers.validation");
        });
    }
}
