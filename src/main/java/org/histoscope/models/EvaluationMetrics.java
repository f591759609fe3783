package org.histoscope.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Binary-classification metrics of probabilities against labels: AUC (Mann-Whitney, ties counted half), the
 * confusion matrix at a threshold (positive when probability >= threshold), the ROC curve, and the highest threshold
 * that still reaches a target sensitivity (the most specific such threshold).
 *
 * @param roc         points (false-positive rate, true-positive rate, threshold), from (0, 0) to (1, 1)
 * @param calibration reliability bins of width 0.1 that hold images: (mean predicted probability, observed share of
 *                    positives, images in the bin); null for evaluations stored before it was kept
 */
public record EvaluationMetrics(int n, int positives, int negatives, double auc, double threshold, int truePositives,
                                int falsePositives, int trueNegatives, int falseNegatives, double accuracy,
                                double sensitivity, double specificity, double targetSensitivity,
                                Double suggestedThreshold, List<double[]> roc, List<double[]> calibration) {

    static final int CALIBRATION_BINS = 10;

    public static EvaluationMetrics compute(double[] probabilities, boolean[] labels, double threshold,
                                            double targetSensitivity) {
        int n = probabilities.length;
        int positives = 0;
        for (boolean label : labels) {
            positives += label ? 1 : 0;
        }
        int negatives = n - positives;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < n; i++) {
            if (probabilities[i] >= threshold) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        int fn = positives - tp;
        int tn = negatives - fp;
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed());
        List<double[]> roc = new ArrayList<>();
        roc.add(new double[] {0, 0, 1});
        int cumulativeTp = 0;
        int cumulativeFp = 0;
        double area = 0;
        Double suggested = null;
        for (int k = 0; k < n; ) {
            double p = probabilities[order[k]];
            int groupTp = 0;
            int groupFp = 0;
            while (k < n && probabilities[order[k]] == p) {
                if (labels[order[k]]) {
                    groupTp++;
                } else {
                    groupFp++;
                }
                k++;
            }
            double tprBefore = rate(cumulativeTp, positives);
            cumulativeTp += groupTp;
            cumulativeFp += groupFp;
            double tpr = rate(cumulativeTp, positives);
            // trapezoid over this group's false-positive step counts ties as half
            area += (rate(groupFp, negatives)) * (tprBefore + tpr) / 2;
            roc.add(new double[] {rate(cumulativeFp, negatives), tpr, p});
            if (suggested == null && positives > 0 && tpr >= targetSensitivity) {
                suggested = p;
            }
        }
        double auc = positives == 0 || negatives == 0 ? Double.NaN : area;
        return new EvaluationMetrics(n, positives, negatives, auc, threshold, tp, fp, tn, fn,
                n == 0 ? Double.NaN : (double) (tp + tn) / n, rate(tp, positives), rate(tn, negatives),
                targetSensitivity, suggested, roc, calibration(probabilities, labels));
    }

    /** Equal-width reliability bins; empty bins are left out, the last bin includes probability 1. */
    static List<double[]> calibration(double[] probabilities, boolean[] labels) {
        double[] sum = new double[CALIBRATION_BINS];
        int[] positive = new int[CALIBRATION_BINS];
        int[] count = new int[CALIBRATION_BINS];
        for (int i = 0; i < probabilities.length; i++) {
            int bin = Math.min(CALIBRATION_BINS - 1, (int) Math.floor(probabilities[i] * CALIBRATION_BINS));
            sum[bin] += probabilities[i];
            positive[bin] += labels[i] ? 1 : 0;
            count[bin]++;
        }
        List<double[]> bins = new ArrayList<>();
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            if (count[b] > 0) {
                bins.add(new double[] {sum[b] / count[b], (double) positive[b] / count[b], count[b]});
            }
        }
        return bins;
    }

    private static double rate(int count, int total) {
        return total == 0 ? Double.NaN : (double) count / total;
    }
}
