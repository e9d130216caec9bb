package io.scripttask.remediation;

/** Which output stream of a step result a text condition looks at. */
public enum OutputSource {
  /** Standard output. */
  STDOUT,
  /** Standard error. */
  STDERR,
  /** Either stream: the condition holds when it holds on one of them. */
  ANY
}
