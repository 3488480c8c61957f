/**
 * A piece of SQL and its parameters, for a module that publishes a query another module composes
 * (a subquery naming the owner's tables, so the composing module's SQL names none of them).
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}
