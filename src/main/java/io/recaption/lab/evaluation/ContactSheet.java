package io.recaption.lab.evaluation;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of equally sized images, one row per evaluated image, separated by a grey gap. */
public final class ContactSheet {

    /** Grey pixels between and around the cells. */
    public static final int GAP = 2;

    private ContactSheet() {}

    /** Width (or height) of {@code cells} cells of side {@code cell} with their gaps. */
    public static int extent(int cells, int cell) {
        return cells * cell + (cells + 1) * GAP;
    }

    /** rows of images of side {@code cell} → one image; a short row leaves its last cells grey. */
    public static BufferedImage of(List<List<BufferedImage>> rows, int columns, int cell) {
        BufferedImage sheet = new BufferedImage(extent(columns, cell), extent(rows.size(), cell),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int r = 0; r < rows.size(); r++) {
                List<BufferedImage> row = rows.get(r);
                for (int c = 0; c < Math.min(columns, row.size()); c++) {
                    g.drawImage(row.get(c), GAP + c * (cell + GAP), GAP + r * (cell + GAP), cell, cell, null);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
