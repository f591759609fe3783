package org.histoscope.cases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.StoredPrediction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// TEMPORARY until the inference branch lands its PredictionService; deleted then.
@Configuration
class TemporaryPredictionServiceConfiguration {

    @Bean
    org.histoscope.inference.ModelCatalog temporaryModelCatalog() {
        return new org.histoscope.inference.ModelCatalog() {
            @Override
            public Optional<org.histoscope.inference.ModelDescriptor> activeModel() {
                return Optional.empty();
            }

            @Override
            public Optional<org.histoscope.inference.ModelDescriptor> model(long registeredModelId) {
                return Optional.empty();
            }
        };
    }

    @Bean
    PredictionService temporaryPredictionService() {
        return new PredictionService() {
            final AtomicLong ids = new AtomicLong();
            final Map<Long, StoredPrediction> stored = new ConcurrentHashMap<>();

            @Override
            public StoredPrediction predictAndStore(long caseId, long imageId, Path file, PredictionRequest request,
                                                    String requestedBy, ProgressListener progress) {
                if (!Files.exists(file)) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.UNREADABLE, "The stored image cannot be read.");
                }
                progress.progress(0.5);
                double p = (file.getFileName().toString().hashCode() & 0xff) / 255.0;
                StoredPrediction prediction = new StoredPrediction(ids.incrementAndGet(), caseId, imageId, p,
                        Map.of("normal", 1 - p, "tumor", p), 0.5, p >= 0.5 ? "tumor" : "normal", p >= 0.5, "fake", "0",
                        "CPU", PredictionMode.PATCH, 1, 1, null, false, false, requestedBy, Instant.now());
                stored.put(prediction.id(), prediction);
                return prediction;
            }

            @Override
            public List<StoredPrediction> forImage(long imageId) {
                return stored.values().stream().filter(p -> p.imageId() == imageId).toList();
            }

            @Override
            public Optional<StoredPrediction> find(long predictionId) {
                return Optional.ofNullable(stored.get(predictionId));
            }

            @Override
            public Optional<byte[]> heatmapPng(long predictionId) {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> explanationPng(long predictionId) {
                return Optional.empty();
            }
        };
    }
}
