/**
 * Start-up configuration is wrong. `problems` holds one line per problem, each naming the
 * variable, or the file and key path, so an operator can fix them all in one go.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
