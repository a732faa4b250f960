package io.pushsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class PushsyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(PushsyncApplication.class, args);
    }
}
