package io.recaption.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.diffusion.InputRejectedException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ImageFilesTest {

    private static final ImageFiles.Limits LIMITS = ImageFiles.Limits.defaults();

    @Test
    void anImageAlreadyAtModelSizeIsUsedUnchangedAsTheReferenceScaledIt() throws Exception {
        byte[] png = Files.readAllBytes(Fixtures.reference().resolve("chelsea-256.png"));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = ImageFiles.toPixels(ImageFiles.decode(png, LIMITS), 256, manager);
            NDArray expected = Fixtures.cases(manager).get("vae.pixels");
            Fixtures.assertMaxAbs("image loading (vae.pixels)", expected, pixels, 1e-6);
            BufferedImage back = ImageFiles.toImage(pixels);
            assertEquals(Double.POSITIVE_INFINITY, ImageFiles.psnr(ImageFiles.decode(png, LIMITS), back),
                    "pixels → PNG is lossless");
        }
    }

    @Test
    void centerCropAndResizeKeepTheMiddleOfAWideImage() throws Exception {
        // left third red, middle third green, right third blue: the centred square is all green
        BufferedImage wide = new BufferedImage(300, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 300; x++) {
                wide.setRGB(x, y, x < 100 ? 0xFF0000 : x < 200 ? 0x00FF00 : 0x0000FF);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = ImageFiles.toPixels(ImageFiles.decode(png(wide), LIMITS), 64, manager);
            assertEquals(new ai.djl.ndarray.types.Shape(1, 3, 64, 64), pixels.getShape());
            assertTrue(pixels.get(0, 1).min().getFloat() > 0.99f, "green everywhere");
            assertTrue(pixels.get(0, 0).max().getFloat() < -0.99f, "no red");
        }
    }

    @Test
    void exifOrientationSixIsTurnedUpright() throws Exception {
        // stored 40 wide × 20 high with a red left half; orientation 6 means: rotate 90° clockwise to view
        BufferedImage stored = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                stored.setRGB(x, y, x < 20 ? 0xFF0000 : 0x0000FF);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(stored, "jpg", jpeg);
        byte[] withExif = insertExifOrientation(jpeg.toByteArray(), 6);
        assertEquals(6, ExifOrientation.read(withExif));
        BufferedImage upright = ImageFiles.decode(withExif, LIMITS);
        assertEquals(20, upright.getWidth());
        assertEquals(40, upright.getHeight());
        // the stored left (red) half is now the top half
        assertTrue(((upright.getRGB(10, 5) >> 16) & 0xFF) > 200, "top is red");
        assertTrue((upright.getRGB(10, 35) & 0xFF) > 200, "bottom is blue");
    }

    @Test
    void alphaIsDropped() throws Exception {
        BufferedImage rgba = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                rgba.setRGB(x, y, 0x10336699);
            }
        }
        BufferedImage rgb = ImageFiles.decode(png(rgba), LIMITS);
        assertEquals(0x336699, rgb.getRGB(3, 3) & 0xFFFFFF);
    }

    @Test
    void badInputIsRefusedWithAClearCode() throws Exception {
        assertEquals("EMPTY_IMAGE", assertThrows(InputRejectedException.class,
                () -> ImageFiles.decode(new byte[0], LIMITS)).code());
        assertEquals("NOT_AN_IMAGE", assertThrows(InputRejectedException.class,
                () -> ImageFiles.decode("{\"not\": \"an image\"}".getBytes(), LIMITS)).code());
        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(Fixtures.reference().resolve("chelsea-256.png")), 200);
        assertEquals("NOT_AN_IMAGE", assertThrows(InputRejectedException.class,
                () -> ImageFiles.decode(truncated, LIMITS)).code());
        InputRejectedException bomb = assertThrows(InputRejectedException.class,
                () -> ImageFiles.decode(decompressionBomb(100_000, 100_000), LIMITS));
        assertEquals("IMAGE_TOO_LARGE", bomb.code());
        assertTrue(bomb.getMessage().contains("100000×100000"), bomb.getMessage());
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A tiny PNG whose header claims width × height pixels: decoding it would need gigabytes. */
    static byte[] decompressionBomb(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[1024]);
        deflater.finish();
        byte[] buffer = new byte[2048];
        int n = deflater.deflate(buffer);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buffer, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes("US-ASCII");
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Inserts an APP1 Exif segment (big-endian TIFF, one IFD entry: orientation) after the JPEG's SOI. */
    private static byte[] insertExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] payload = new byte[6 + tiff.capacity()];
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, payload, 0, 6);
        System.arraycopy(tiff.array(), 0, payload, 6, tiff.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        int length = payload.length + 2;
        out.write((length >> 8) & 0xFF);
        out.write(length & 0xFF);
        out.write(payload, 0, payload.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
