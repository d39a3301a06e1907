export default function AgentsView() {
  return <h1>Agents</h1>;
}
