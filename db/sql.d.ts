// SQL migrations are imported as text (`with { type: "text" }`) and embedded in the binary.
declare module "*.sql" {
  const sql: string;
  export default sql;
}
