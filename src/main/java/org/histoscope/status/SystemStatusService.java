package org.histoscope.status;

import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.InferenceService;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.RegisteredModel;
import org.histoscope.security.Roles;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Service;
import org.springframework.util.unit.DataSize;

/** What the administrators' system status shows, gathered from the features' services and the health endpoint. */
@Service
@RolesAllowed(Roles.ADMIN)
public class SystemStatusService {

    private final InferenceService inference;
    private final ModelRegistry models;
    private final PredictionJobService jobs;
    private final HealthEndpoint health;
    private final CaseImageService images;

    SystemStatusService(InferenceService inference, ModelRegistry models, PredictionJobService jobs,
                        HealthEndpoint health, CaseImageService images) {
        this.inference = inference;
        this.models = models;
        this.jobs = jobs;
        this.health = health;
        this.images = images;
    }

    /** One health indicator's state ("UP", "DOWN", ...; empty when it does not report) and a line of details. */
    public record ComponentHealth(Optional<String> code, boolean up, String details) {
    }

    public record SystemStatus(InferenceDevice device, Optional<RegisteredModel> activeModel,
                               PredictionJobService.QueueStatus queue, CaseImageService.StorageStatus storage,
                               ComponentHealth database, ComponentHealth disk) {
    }

    public SystemStatus current() {
        return new SystemStatus(inference.device(), models.active(), jobs.queueStatus(), images.storageStatus(),
                healthOf("db"), healthOf("diskSpace"));
    }

    private ComponentHealth healthOf(String component) {
        HealthComponent result = health.healthForPath(component);
        if (result == null) {
            return new ComponentHealth(Optional.empty(), false, "");
        }
        Status status = result.getStatus();
        return new ComponentHealth(Optional.of(status.getCode()), Status.UP.equals(status), details(result));
    }

    private static String details(HealthComponent result) {
        if (result instanceof Health detailed) {
            Map<String, Object> details = detailed.getDetails();
            if (details.get("free") instanceof Number free && details.get("total") instanceof Number total) {
                return DataSize.ofBytes(free.longValue()).toGigabytes() + " GB free of "
                        + DataSize.ofBytes(total.longValue()).toGigabytes() + " GB (" + details.getOrDefault("path", "") + ")";
            }
            if (details.containsKey("database")) {
                return details.get("database") + " " + details.getOrDefault("validationQuery", "");
            }
        } else if (result instanceof CompositeHealth composite) {
            return List.copyOf(composite.getComponents().keySet()).toString();
        }
        return "";
    }
}
