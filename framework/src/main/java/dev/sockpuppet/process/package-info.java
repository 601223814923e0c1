/**
 * A program's own standard streams as a fake: {@link dev.sockpuppet.process.ProcessPipes} starts
 * a process from a test with stdin, stdout and stderr on record, drives its stdin, awaits its
 * output and exit code, and kills and reaps it at teardown.
 */
package dev.sockpuppet.process;
