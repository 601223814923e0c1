/**
 * Not API: the steps of a {@link dev.sockpuppet.behaviour.Script} as data, and how each expect
 * decides on the bytes that arrived. Playing them on a connection is the engine's job.
 */
package dev.sockpuppet.internal.script;
