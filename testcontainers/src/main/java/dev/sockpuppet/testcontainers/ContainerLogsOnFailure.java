package dev.sockpuppet.testcontainers;

import dev.sockpuppet.testcontainers.internal.ContainerLogsExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a test class: when a test fails, the output of the containers that its {@link ContainerFake}
 * fields were handed to is added to the failure, next to the transcripts that Sockpuppet's
 * extension adds for the fakes. Both sides of the conversation are then in the report: what crossed
 * the socket, and what the program in the container said about it.
 *
 * <pre>{@code
 * @Testcontainers
 * @ContainerLogsOnFailure
 * class AppTest {
 *   @ManagedFake static final UnixSocketServer daemon = UnixSocketServer.create();
 *   static final ContainerFake fake = ContainerFake.of(daemon).at("/run/app.sock");
 *   @Container static final GenericContainer<?> app = fake.in(new GenericContainer<>(image));
 * }
 * }</pre>
 *
 * <p>Static and instance fields of type {@link ContainerFake} count, also those of the enclosing
 * instances of a {@code @Nested} test; the output is what {@link ContainerFake#containerLogs()}
 * kept, so it does not matter whether the containers were already removed. A failure in a
 * class-level callback ({@code @BeforeAll}, {@code @AfterAll}) gets the static fields' output.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(ContainerLogsExtension.class)
public @interface ContainerLogsOnFailure {}
