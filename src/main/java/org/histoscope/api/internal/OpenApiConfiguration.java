package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "Histoscope API", version = "v1",
                description = "Patients, cases, image uploads, prediction jobs and results, reviews (read only), signed "
                        + "case reports and the audit log, for laboratory information systems. Errors are RFC 9457 "
                        + "problem documents. Not a medical device: results support, and never replace, a "
                        + "pathologist's diagnosis."),
        security = @SecurityRequirement(name = "apiToken"))
@SecurityScheme(name = "apiToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API token created by an administrator in Admin → API tokens")
class OpenApiConfiguration {
}
