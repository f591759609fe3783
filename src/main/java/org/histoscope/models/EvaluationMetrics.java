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
 * @param roc points (false-positive rate, true-positive rate, threshold), from (0, 0) to (1, 1)
 */
public record EvaluationMetrics(int n, int positives, int negatives, double auc, double threshold, int truePositives,
                                int falsePositives, int trueNegatives, int falseNegatives, double accuracy,
                                double sensitivity, double specificity, double targetSensitivity,
                                Double suggestedThreshold, List<double[]> roc) {

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
                targetSensitivity, suggested, roc);
    }

    private static double rate(int count, int total) {
        return total == 0 ? Double.NaN : (double) count / total;
    }

    /** The ROC curve as an inline SVG (square, diagonal for chance, the operating point marked). */
    public String rocSvg(int size) {
        StringBuilder points = new StringBuilder();
        for (double[] point : roc) {
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", point[0] * size, (1 - point[1]) * size));
        }
        double x = (1 - specificity) * size;
        double y = (1 - sensitivity) * size;
        return String.format(java.util.Locale.ROOT, """
                <svg xmlns="http://www.w3.org/2000/svg" width="%1$d" height="%1$d" viewBox="-30 -10 %2$d %2$d" \
                role="img" aria-label="ROC curve, AUC %3$.3f">\
                <rect x="0" y="0" width="%1$d" height="%1$d" fill="none" stroke="#888"/>\
                <line x1="0" y1="%1$d" x2="%1$d" y2="0" stroke="#bbb" stroke-dasharray="4"/>\
                <polyline points="%4$s" fill="none" stroke="#1f6fa8" stroke-width="2"/>\
                <circle cx="%5$.1f" cy="%6$.1f" r="4" fill="#c0392b"/>\
                <text x="%7$d" y="%8$d" font-size="11">false-positive rate</text>\
                <text x="-22" y="%7$d" font-size="11" transform="rotate(-90 -22 %7$d)">sensitivity</text>\
                </svg>""", size, size + 40, auc, points.toString().strip(), x, y, size / 3, size + 22);
    }
}
