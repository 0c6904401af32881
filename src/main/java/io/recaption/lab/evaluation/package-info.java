/**
 * The quality table of a shapes-world model (issue 6): fresh scenes of {@link io.recaption.lab.shapes}
 * inverted by every method of {@link io.recaption.inversion}, edited by {@link io.recaption.editing},
 * and judged by the world's analytic detectors against the edited scenes' ground truth
 * ({@link io.recaption.lab.evaluation.QualityEvaluation}, {@link io.recaption.lab.evaluation.EditCase},
 * {@link io.recaption.lab.evaluation.EditJudge}); {@link io.recaption.lab.evaluation.QualityReport} writes
 * quality.json, quality.md and the contact sheet. No Quarkus, Kafka or S3.
 */
package io.recaption.lab.evaluation;
