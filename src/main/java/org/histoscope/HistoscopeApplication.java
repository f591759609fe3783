package org.histoscope;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class HistoscopeApplication {

    public static void main(String[] args) {
        SpringApplication.run(HistoscopeApplication.class, args);
    }
}
