package io.recaption.web;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The application's JSON refuses a body that names a field twice ({@code {"caption":"a cat","caption":"a dog"}}):
 * parsers disagree on which one counts (Jackson keeps the last, others the first), so the editor and whatever reads
 * the same body after it could act on two different requests. The worker's reader refuses the same records.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    }
}
