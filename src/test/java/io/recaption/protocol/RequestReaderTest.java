package io.recaption.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reader every client shares: a field named twice is refused (last-wins would let two readers disagree). */
@Tag("unit")
class RequestReaderTest {

    @Test
    void aFieldNamedTwiceIsRefusedAtTopLevelAndInside() throws Exception {
        String once = "{\"requestId\": \"a\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \"a cat\"}";
        assertEquals("a cat", RequestReader.inversion(bytes(once)).caption());
        for (String twice : new String[] {
                "{\"requestId\": \"a\", \"image\": {\"key\": \"uploads/a.png\"}, \"caption\": \"a cat\", \"caption\": \"a dog\"}",
                "{\"requestId\": \"a\", \"image\": {\"key\": \"uploads/a.png\", \"key\": \"uploads/b.png\"}, \"caption\": \"a cat\"}"}) {
            InvalidMessage refused = assertThrows(InvalidMessage.class, () -> RequestReader.inversion(bytes(twice)), twice);
            assertEquals(ErrorCode.INVALID_MESSAGE, refused.code());
            assertTrue(refused.getMessage().startsWith("a request names a field twice"), refused.getMessage());
        }
        String edit = "{\"editId\": \"e\", \"inversionId\": \"a\", \"inversionId\": \"b\", \"caption\": \"a dog\"}";
        assertEquals(ErrorCode.INVALID_MESSAGE,
                assertThrows(InvalidMessage.class, () -> RequestReader.edit(bytes(edit))).code());
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
