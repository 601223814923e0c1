/**
 * Named pipes (FIFOs) as fakes: {@link dev.sockpuppet.fifo.FifoPair} for a program that reads
 * commands from one pipe and answers on another, {@link dev.sockpuppet.fifo.Fifo} for one pipe in
 * one direction. Made in a private directory, opened without ever hanging a test, recorded like a
 * connection, removed afterwards.
 */
package dev.sockpuppet.fifo;
