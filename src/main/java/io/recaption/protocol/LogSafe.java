package io.recaption.protocol;

/**
 * Text from requests (ids, keys, captions) on its way into a log line or an event message: control characters
 * (newlines, escapes, NUL, DEL, the C1 range and line/paragraph separators) become '?', so that a request
 * cannot forge log lines or terminal escapes; long text is clipped.
 */
public final class LogSafe {

    private static final int MAX = 80;

    private LogSafe() {}

    public static String text(String value) {
        if (value == null) {
            return "";
        }
        String clipped = value.length() <= MAX ? value : value.substring(0, MAX - 3) + "...";
        StringBuilder out = new StringBuilder(clipped.length());
        clipped.codePoints().forEach(c -> out.appendCodePoint(control(c) ? '?' : c));
        return out.toString();
    }

    private static boolean control(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT;
    }
}
