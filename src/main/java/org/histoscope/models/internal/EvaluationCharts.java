package org.histoscope.models.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.histoscope.models.EvaluationMetrics;

/**
 * The ROC curve and the calibration (reliability) plot of an evaluation, drawn on the server by JFreeChart as PNG,
 * so that the browser shows a plain picture: nothing depends on inline SVG surviving the page's HTML handling.
 */
public final class EvaluationCharts {

    private static final Color CURVE = new Color(0x1f, 0x5f, 0xbf);
    private static final Color REFERENCE = new Color(0x99, 0x99, 0x99);
    private static final Color OPERATING_POINT = new Color(0xc0, 0x20, 0x20);

    private EvaluationCharts() {
    }

    /** ROC curve with the chance diagonal and the operating point at the evaluation's threshold. */
    public static byte[] rocPng(EvaluationMetrics metrics, int width, int height) {
        XYSeries curve = new XYSeries("ROC", false);
        for (double[] point : metrics.roc()) {
            curve.add(point[0], point[1]);
        }
        XYSeries chance = new XYSeries("Chance", false);
        chance.add(0, 0);
        chance.add(1, 1);
        XYSeries operating = new XYSeries(String.format(Locale.ROOT, "Threshold %.3f", metrics.threshold()), false);
        operating.add(1 - metrics.specificity(), metrics.sensitivity());
        String title = Double.isNaN(metrics.auc()) ? "ROC curve"
                : String.format(Locale.ROOT, "ROC curve (AUC %.3f)", metrics.auc());
        return png(chart(title, "False-positive rate (1 − specificity)", "True-positive rate (sensitivity)",
                List.of(curve, chance, operating)), width, height);
    }

    /** Mean predicted probability against the observed share of positives per bin, with the ideal diagonal. */
    public static byte[] calibrationPng(EvaluationMetrics metrics, int width, int height) {
        XYSeries observed = new XYSeries("Observed", false);
        if (metrics.calibration() != null) {
            for (double[] bin : metrics.calibration()) {
                observed.add(bin[0], bin[1]);
            }
        }
        XYSeries ideal = new XYSeries("Perfect calibration", false);
        ideal.add(0, 0);
        ideal.add(1, 1);
        return png(chart("Calibration", "Mean predicted probability", "Observed share with IDC",
                List.of(observed, ideal, new XYSeries("", false))), width, height);
    }

    private static JFreeChart chart(String title, String xLabel, String yLabel, List<XYSeries> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        for (NumberAxis axis : List.of((NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis())) {
            axis.setRange(0, 1);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesPaint(0, CURVE);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesShapesVisible(0, series.get(0).getKey().equals("Observed"));
        renderer.setSeriesPaint(1, REFERENCE);
        renderer.setSeriesStroke(1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 4f}, 0f));
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesPaint(2, OPERATING_POINT);
        renderer.setSeriesLinesVisible(2, false);
        renderer.setSeriesShapesVisible(2, true);
        renderer.setSeriesVisibleInLegend(2, !series.get(2).getKey().toString().isEmpty());
        plot.setRenderer(renderer);
        return chart;
    }

    private static byte[] png(JFreeChart chart, int width, int height) {
        BufferedImage image = chart.createBufferedImage(width, height);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
