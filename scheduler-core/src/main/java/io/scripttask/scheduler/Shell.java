package io.scripttask.scheduler;

/** The interpreter a {@link Script} is written for. */
public enum Shell {
  /** POSIX {@code sh}. */
  SH,
  /** GNU {@code bash}. */
  BASH,
  /** PowerShell ({@code pwsh} or Windows PowerShell). */
  POWERSHELL,
  /** Windows {@code cmd.exe}. */
  CMD,
  /** Python 3. */
  PYTHON
}
