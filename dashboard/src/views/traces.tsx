export default function TracesView() {
  return <h1>Traces</h1>;
}
