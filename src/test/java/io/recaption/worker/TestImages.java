package io.recaption.worker;

import io.recaption.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Inputs for the worker tests: a real photo, and hostile objects. */
public final class TestImages {

    private TestImages() {}

    /** The reference photo (256×256 PNG of a cat) from the test fixtures. */
    public static byte[] photo() {
        try {
            return Files.readAllBytes(Fixtures.reference().resolve("chelsea-256.png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another photo: a seeded 64×64 PNG of coloured noise (other bytes under the same key). */
    public static byte[] photo(int seed) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(image, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A decompression bomb: a valid PNG of a few hundred kilobytes declaring {@code side}×{@code side} 1-bit
     * pixels, all zero (a 30000² one inflates to 112 MB of packed rows, and far more once decoded to RGB).
     */
    public static byte[] decompressionBomb(int side) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream ihdr = new DataOutputStream(header);
            ihdr.writeInt(side);
            ihdr.writeInt(side);
            ihdr.writeByte(1); // bit depth
            ihdr.writeByte(0); // grayscale
            ihdr.writeByte(0); // deflate
            ihdr.writeByte(0); // adaptive filtering
            ihdr.writeByte(0); // no interlace
            chunk(png, "IHDR", header.toByteArray());
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] row = new byte[1 + (side + 7) / 8]; // filter byte 0, then zero pixels
            try (DeflaterOutputStream deflate = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_COMPRESSION))) {
                for (int y = 0; y < side; y++) {
                    deflate.write(row);
                }
            }
            chunk(png, "IDAT", compressed.toByteArray());
            chunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(png);
        out.writeInt(data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
