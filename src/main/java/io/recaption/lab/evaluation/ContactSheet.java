package io.recaption.lab.evaluation;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of equally sized images, one row per evaluated image, separated by a grey gap, under a band that
 * names each column (a reader of the sheet alone must be able to tell which image is which method or edit).
 */
public final class ContactSheet {

    /** Grey pixels between and around the cells. */
    public static final int GAP = 2;

    /** Height of the label band above the first row: two lines of a 9-point font. */
    public static final int HEADER = 24;

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 9);

    private ContactSheet() {}

    /** Width (or height, without the header) of {@code cells} cells of side {@code cell} with their gaps. */
    public static int extent(int cells, int cell) {
        return cells * cell + (cells + 1) * GAP;
    }

    /**
     * rows of images of side {@code cell} under the column {@code labels} → one image; a short row leaves its
     * last cells grey. The first cell's top-left pixel is at ({@link #GAP}, {@link #HEADER} + {@link #GAP}).
     */
    public static BufferedImage of(List<String> labels, List<List<BufferedImage>> rows, int cell) {
        int columns = labels.size();
        BufferedImage sheet = new BufferedImage(extent(columns, cell), HEADER + extent(rows.size(), cell),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(FONT);
            g.setColor(Color.WHITE);
            FontMetrics metrics = g.getFontMetrics();
            for (int c = 0; c < columns; c++) {
                List<String> lines = wrap(labels.get(c), metrics, cell);
                int left = GAP + c * (cell + GAP);
                for (int l = 0; l < lines.size(); l++) {
                    String line = lines.get(l);
                    int x = left + Math.max(0, (cell - metrics.stringWidth(line)) / 2);
                    g.drawString(line, x, GAP + metrics.getAscent() + l * (HEADER - GAP) / 2);
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                List<BufferedImage> row = rows.get(r);
                for (int c = 0; c < Math.min(columns, row.size()); c++) {
                    g.drawImage(row.get(c), GAP + c * (cell + GAP), HEADER + GAP + r * (cell + GAP), cell, cell,
                            null);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** A label that is wider than a cell is split at its last camelCase hump that fits, into at most two lines. */
    static List<String> wrap(String label, FontMetrics metrics, int width) {
        if (metrics.stringWidth(label) <= width) {
            return List.of(label);
        }
        List<String> lines = new ArrayList<>();
        int split = -1;
        for (int i = 1; i < label.length(); i++) {
            if (Character.isUpperCase(label.charAt(i)) && metrics.stringWidth(label.substring(0, i)) <= width) {
                split = i;
            }
        }
        if (split < 0) {
            return List.of(label);
        }
        lines.add(label.substring(0, split));
        lines.add(label.substring(split));
        return lines;
    }
}
