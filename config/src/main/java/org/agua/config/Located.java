package org.agua.config;

/** A parsed value and where it was written, for checks that compare several values. */
record Located<T>(T value, YamlNode.Position at) {
}
