package org.histoscope.inference.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import org.histoscope.platform.BackgroundPriority;
import org.histoscope.platform.Unguarded;
import org.springframework.beans.factory.annotation.Autowired;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.PredictionFailedException;

/**
 * Owns the ONNX Runtime environment and one session per model file, shared by all threads (OrtSession.run is
 * thread-safe). The execution device is decided once: CUDA on GPU 0 when enabled and its provider loads, otherwise
 * the CPU, with the reason kept for health and the admin view.
 */
@Component
@Unguarded("the model runtime, used only by the guarded inference and model services")
@EnableConfigurationProperties(InferenceSettings.class)
public class OnnxRuntimeEngine {

    private static final Logger log = LoggerFactory.getLogger(OnnxRuntimeEngine.class);

    private final OrtEnvironment environment;
    private final InferenceSettings settings;
    private final InferenceDevice device;
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();

    private final BackgroundPriority priority;

    /** For tools and tests: sessions keep the normal priority. */
    public OnnxRuntimeEngine(InferenceSettings settings) {
        this(settings, BackgroundPriority.off());
    }

    @Autowired
    public OnnxRuntimeEngine(InferenceSettings settings, BackgroundPriority priority) {
        this.settings = settings;
        this.priority = priority;
        this.environment = OrtEnvironment.getEnvironment();
        this.device = chooseDevice();
    }

    public InferenceDevice device() {
        return device;
    }

    public InferenceSettings settings() {
        return settings;
    }

    /** The shared session for the model file (loaded, checked against its card and warmed up on first use). */
    public LoadedModel load(ModelCard card, Path onnxFile, String sha256) {
        return loaded.computeIfAbsent(sha256, key -> loadUncached(card, onnxFile));
    }

    /**
     * Loads a model without caching it, for validating a package before registration. Close it after use.
     * The session is created on a background-priority thread: ONNX Runtime starts its intra-op pool there, and those
     * threads, which do most of the inference, inherit the priority ({@link BackgroundPriority}).
     */
    public LoadedModel loadUncached(ModelCard card, Path onnxFile) {
        return priority.callOnBackgroundThread("model-runtime",
                () -> LoadedModel.load(environment, sessionOptions(), card, onnxFile, device.describe()));
    }

    private InferenceDevice chooseDevice() {
        int threads = settings.intraOpThreads();
        if (!settings.useCuda()) {
            String reason = "CUDA disabled by histoscope.inference.use-cuda=false";
            log.info("ONNX Runtime uses the CPU: {}", reason);
            return new InferenceDevice("CPU", false, reason, threads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(0);
            log.info("ONNX Runtime uses CUDA on GPU 0");
            return new InferenceDevice("CUDA:0", true, "CUDA execution provider loaded", threads);
        } catch (OrtException | RuntimeException | LinkageError e) {
            String reason = "CUDA unavailable: " + firstLine(e.getMessage());
            log.warn("ONNX Runtime falls back to the CPU. {}", reason);
            return new InferenceDevice("CPU", false, reason, threads);
        }
    }

    private OrtSession.SessionOptions sessionOptions() {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (device.gpu()) {
                options.addCUDA(0);
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                    "ONNX Runtime could not be configured: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        String line = message.lines().findFirst().orElse(message).trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @PreDestroy
    public void shutdown() {
        close();
    }

    public void close() {
        loaded.values().forEach(LoadedModel::close);
        loaded.clear();
    }
}
