package org.histoscope.inference.internal;

import org.histoscope.security.SystemIdentity;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.ModelCatalog;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.PredictionFailedException;

/**
 * Health contributor "inference": the ONNX Runtime device and why, and the active model. Always UP so that a missing
 * model does not take the whole application out of the load balancer; the details say what is wrong.
 */
@Component
@Unguarded("read by the actuator, whose endpoint security decides who sees the details")
class InferenceHealthIndicator implements HealthIndicator {

    private final OnnxRuntimeEngine engine;
    private final ModelCatalog catalog;

    InferenceHealthIndicator(OnnxRuntimeEngine engine, ModelCatalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
    }

    @Override
    public Health health() {
        // The probe runs outside any user's request; it reads the catalog as the system
        return SystemIdentity.call(this::currentHealth);
    }

    private Health currentHealth() {
        InferenceDevice device = engine.device();
        Health.Builder health = Health.up()
                .withDetail("device", device.name())
                .withDetail("gpu", device.gpu())
                .withDetail("reason", device.reason())
                .withDetail("intraOpThreads", device.intraOpThreads() == 0 ? "default" : device.intraOpThreads());
        try {
            catalog.activeModel().ifPresentOrElse(
                    model -> health.withDetail("activeModel", model.card().id() + " " + model.card().version()),
                    () -> health.withDetail("activeModel", "none"));
        } catch (PredictionFailedException e) {
            health.withDetail("activeModel", "unusable: " + e.getMessage());
        }
        return health.build();
    }
}
