package org.histoscope.inference;

/**
 * Where ONNX Runtime executes.
 *
 * @param name   "CUDA:0" or "CPU"
 * @param gpu    whether a GPU is used
 * @param reason why this device: e.g. "CUDA provider loaded" or the CUDA error that forced the CPU fallback
 * @param intraOpThreads configured intra-op threads (0 = ONNX Runtime default)
 */
public record InferenceDevice(String name, boolean gpu, String reason, int intraOpThreads) {

    /** What non-administrators are told about a stored device line: the CUDA error text is for administrators. */
    public static String forNonAdministrators(String storedDevice) {
        if (storedDevice == null || storedDevice.isBlank()) {
            return "";
        }
        return storedDevice.startsWith("CPU") ? "CPU (CUDA not available)" : storedDevice.replaceFirst(" \\(.*$", "");
    }

    /**
     * What a report, the API and a clinical user are told about a stored device line: "CPU" or "GPU (CUDA)", never
     * the CUDA error text that explains a CPU fallback (that is the administrators', on the status page).
     */
    public static String forPeople(String storedDevice) {
        if (storedDevice == null || storedDevice.isBlank()) {
            return "";
        }
        String device = storedDevice.strip().toUpperCase(java.util.Locale.ROOT);
        return device.startsWith("CUDA") || device.startsWith("GPU") ? "GPU (CUDA)" : "CPU";
    }

    /** Short form for results: "CUDA:0" or "CPU (reason)". */
    public String describe() {
        return gpu ? name : name + " (" + reason + ")";
    }
}
