package io.recaption.protocol;

/** The two kinds of job; {@code wireName} is the status's {@code kind} and the metrics' tag. */
public enum JobKind {
    INVERSION("inversion"),
    EDIT("edit");

    private final String wireName;

    JobKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
