// Switchyard's live topology: plain browser JavaScript, no build step (ADR 0013).
// The drawing is GET /api/topology (every name from the contracts); what moves on it is
// the GET /api/overview samples and the consumer list that dashboard.js hands over as DOM
// events. SVG built with createElementNS and attributes only: nothing inline for the CSP.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const COLUMN_WIDTH = 235;
  const ROW_HEIGHT = 100;
  const NODE = { width: 150, height: 52 };
  const MARGIN = { x: 16, y: 20 };

  const root = document.getElementById('topology');
  const status = document.getElementById('topology-status');

  /** Element in the SVG namespace with attributes (and text, set as text, never markup). */
  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const center = (node) => ({
    x: MARGIN.x + node.column * COLUMN_WIDTH + NODE.width / 2,
    y: MARGIN.y + node.row * ROW_HEIGHT + NODE.height / 2,
  });

  /** Where the line from `from` towards `towards` leaves `from`'s box. */
  function boxExit(from, towards) {
    const dx = towards.x - from.x;
    const dy = towards.y - from.y;
    const scale = 1 / Math.max(Math.abs(dx) / (NODE.width / 2), Math.abs(dy) / (NODE.height / 2));
    return { x: from.x + dx * scale, y: from.y + dy * scale };
  }

  // ### Drawing: once, from the topology

  let graph = null;
  /** Per node / edge id: the SVG elements that change with the figures. */
  const nodeViews = new Map();
  const edgeViews = new Map();

  function draw(topology) {
    graph = topology;
    const columns = Math.max(...topology.nodes.map((node) => node.column)) + 1;
    const rows = Math.max(...topology.nodes.map((node) => node.row)) + 1;
    const width = MARGIN.x * 2 + (columns - 1) * COLUMN_WIDTH + NODE.width;
    const height = MARGIN.y * 2 + (rows - 1) * ROW_HEIGHT + NODE.height + 24;
    const drawing = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'topology-title',
    });
    const defs = svg('defs');
    const marker = svg('marker', {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: '9',
      refY: '5',
      markerWidth: '7',
      markerHeight: '7',
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }));
    defs.append(marker);
    drawing.append(defs);

    const byId = new Map(topology.nodes.map((node) => [node.id, node]));
    // Edges between the same two nodes bend apart, so their labels do not overlap.
    const pairs = new Map();
    for (const edge of topology.edges) {
      const key = [edge.from, edge.to].sort().join('|');
      pairs.set(key, [...(pairs.get(key) ?? []), edge.id]);
    }
    const edgeLayer = svg('g', { class: 'edges' });
    const labelLayer = svg('g', { class: 'edge-labels' });
    for (const edge of topology.edges) {
      const siblings = pairs.get([edge.from, edge.to].sort().join('|'));
      // Bent in the pair's own frame (from the first id to the second, as sorted): an edge
      // and its reverse then bend to opposite sides rather than onto each other.
      const side = edge.from < edge.to ? 1 : -1;
      const bend = side * (siblings.indexOf(edge.id) - (siblings.length - 1) / 2) * 64;
      const [line, label] = drawEdge(edge, byId.get(edge.from), byId.get(edge.to), bend);
      edgeLayer.append(line);
      labelLayer.append(label);
    }
    const nodeLayer = svg('g', { class: 'nodes' });
    for (const node of topology.nodes) nodeLayer.append(drawNode(node));
    drawing.append(edgeLayer, nodeLayer, labelLayer);
    root.replaceChildren(drawing);
  }

  function drawEdge(edge, from, to, bend) {
    const a = center(from);
    const b = center(to);
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    // The control point: the middle, pushed sideways by `bend`.
    const control = {
      x: (a.x + b.x) / 2 - ((b.y - a.y) / length) * bend,
      y: (a.y + b.y) / 2 + ((b.x - a.x) / length) * bend,
    };
    const start = boxExit(a, control);
    const end = boxExit(b, control);
    const group = svg('g', { class: `edge ${edge.semantics}`, 'data-edge': edge.id });
    group.append(svg('title', {}, `${edge.wire}: ${edge.semantics}. ${edge.note}`));
    group.append(
      svg('path', {
        d: `M ${start.x} ${start.y} Q ${control.x} ${control.y} ${end.x} ${end.y}`,
        'marker-end': 'url(#arrow)',
      }),
    );
    const mid = {
      x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x,
      y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y,
    };
    const semantics = svg('text', { x: mid.x, y: mid.y - 3, class: 'semantics' }, edge.semantics);
    const figures = svg('text', { x: mid.x, y: mid.y + 9, class: 'figures' });
    const rate = svg('tspan', { class: 'rate' }, '');
    const depth = svg('tspan', { class: 'depth' }, '');
    figures.append(rate, depth);
    // Labels go on a layer above the nodes (where an edge is short, a label overlaps them).
    const label = svg('g', { class: `edge-label ${edge.semantics}`, 'data-edge-label': edge.id });
    label.append(semantics, figures);
    edgeViews.set(edge.id, { edge, group, label, rate, depth });
    return [group, label];
  }

  function drawNode(node) {
    const x = MARGIN.x + node.column * COLUMN_WIDTH;
    const y = MARGIN.y + node.row * ROW_HEIGHT;
    const group = svg('g', { class: `node ${node.kind}`, 'data-node': node.id });
    group.append(svg('title', {}, `${node.label}: ${node.detail}`));
    group.append(svg('rect', { x, y, width: NODE.width, height: NODE.height, rx: 6 }));
    group.append(svg('text', { x: x + 8, y: y + 18, class: 'label' }, shorten(node.label, 22)));
    const detail = svg('text', { x: x + 8, y: y + 34, class: 'detail' }, shorten(node.detail, 26));
    const state = svg('text', { x: x + 8, y: y + 47, class: 'state' }, '');
    group.append(detail, state);
    const partitions = [];
    for (let index = 0; index < (node.partitions ?? 0); index += 1) {
      const width = NODE.width / node.partitions;
      const cell = svg('g', { class: 'partition', 'data-partition': String(index) });
      const px = x + index * width;
      cell.append(svg('rect', { x: px, y: y + NODE.height + 2, width: width - 2, height: 18 }));
      const lag = svg('text', { x: px + 4, y: y + NODE.height + 15, class: 'lag' }, `p${index}`);
      cell.append(lag);
      group.append(cell);
      partitions.push({ cell, lag });
    }
    nodeViews.set(node.id, { node, group, state, partitions });
    return group;
  }

  const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  // ### What moves: rates from two samples, depths from the latest, paused from the list

  let previous = null;
  let consumers = null;
  let rebuildRun = null;

  const consumerRow = (overview, durable) =>
    overview.jetStreamConsumers.ok
      ? overview.jetStreamConsumers.value.find((row) => row.durable === durable)
      : undefined;
  const kafkaGroup = (overview, group) =>
    overview.kafkaLag.ok ? overview.kafkaLag.value.find((row) => row.group === group) : undefined;
  const sum = (values) => values.reduce((total, value) => total + value, 0);

  /** The counter behind an edge's rate, and its depth, in one sample. */
  function measureOf(measure, overview) {
    switch (measure?.kind) {
      case 'jetstream-consumer': {
        // Its queue: never delivered (pending) plus delivered and not acked yet: a stopped
        // consumer's last pull request still takes messages until it expires, and they wait
        // unacked until `ack_wait` sends them round again.
        const state = consumerRow(overview, measure.durable)?.state;
        if (!state) return {};
        const unacked = state.numAckPending ? ` +${state.numAckPending} unacked` : '';
        return {
          counter: state.delivered,
          depth: state.numPending + state.numAckPending,
          depthText: `pending ${state.numPending}${unacked}`,
        };
      }
      case 'kafka-group': {
        const group = kafkaGroup(overview, measure.group);
        if (!group) return {};
        const committed = sum(group.partitions.map((p) => p.committedOffset ?? 0));
        return { counter: committed, depth: group.totalLag, depthText: `lag ${group.totalLag}` };
      }
      case 'kafka-end': {
        const groups = overview.kafkaLag.ok ? overview.kafkaLag.value : [];
        const group = groups.find((row) => row.topic === measure.topic);
        return group ? { counter: sum(group.partitions.map((p) => p.endOffset)) } : {};
      }
      case 'notifications': {
        const counts = overview.liveFeed.notifications;
        return { counter: measure.event ? counts[measure.event] : sum(Object.values(counts)) };
      }
      case 'rebuild':
        return {
          rate: rebuildRun?.state === 'running' ? rebuildRun.eventsPerSecond : 0,
        };
      case 'dead-letters':
        return overview.deadLetters.jetStream.ok
          ? {
              depth: overview.deadLetters.jetStream.value.total,
              depthText: `${overview.deadLetters.jetStream.value.total} dead letters`,
            }
          : {};
      default:
        return {};
    }
  }

  /** Services whose consumers are all paused, and those with no instance answering. */
  function serviceStates() {
    const states = new Map();
    for (const consumer of consumers ?? []) {
      const state = states.get(consumer.service) ?? { paused: true, instances: 0 };
      state.paused &&= consumer.paused;
      state.instances = Math.max(state.instances, consumer.instances);
      states.set(consumer.service, state);
    }
    return states;
  }

  function update(overview, seconds, before) {
    const services = serviceStates();
    const backlogged = new Set();
    for (const { edge, group, label, rate, depth } of edgeViews.values()) {
      const now = measureOf(edge.measure, overview);
      const then = before ? measureOf(edge.measure, before) : {};
      let perSecond = now.rate;
      if (perSecond === undefined && now.counter !== undefined && then.counter !== undefined) {
        const delta = now.counter - then.counter;
        // A counter that went down: the gateway (or the consumer) restarted; no rate this time.
        perSecond = delta >= 0 && seconds > 0 ? delta / seconds : undefined;
      }
      rate.textContent = perSecond === undefined ? '' : `${formatRate(perSecond)}/s`;
      depth.textContent =
        now.depth === undefined ? '' : `${rate.textContent ? ' · ' : ''}${now.depthText}`;
      const paused = edge.pausedWith && services.get(edge.pausedWith)?.paused;
      group.classList.toggle('busy', perSecond > 0);
      group.classList.toggle('backlog', now.depth > 0);
      group.classList.toggle('paused', Boolean(paused));
      label.classList.toggle('backlog', now.depth > 0);
      if (now.depth > 0 && edge.measure?.kind !== 'dead-letters') backlogged.add(edge.from);
    }
    for (const { node, group, state, partitions } of nodeViews.values()) {
      let text = '';
      let down = false;
      const service = node.controlledAs && services.get(node.controlledAs);
      if (service && service.instances === 0) {
        text = 'not running';
        down = true;
      } else if (service?.paused) text = 'PAUSED';
      if (node.broker === 'kafka' && !overview.kafkaLag.ok) {
        text = 'unreachable';
        down = true;
      }
      if (node.broker === 'nats' && node.kind === 'stream' && !overview.jetStreamConsumers.ok) {
        text = 'unreachable';
        down = true;
      }
      state.textContent = text;
      group.classList.toggle('paused', Boolean(service?.paused) && !down);
      group.classList.toggle('down', down);
      group.classList.toggle('backlog', backlogged.has(node.id));
      if (partitions.length) {
        const group0 = overview.kafkaLag.ok
          ? overview.kafkaLag.value.find((row) => row.topic === node.id)
          : undefined;
        for (const [index, { cell, lag }] of partitions.entries()) {
          const figures = group0?.partitions.find((p) => p.partition === index);
          lag.textContent = figures ? `p${index} lag ${figures.lag}` : `p${index}`;
          cell.classList.toggle('backlog', (figures?.lag ?? 0) > 0);
        }
      }
    }
  }

  const formatRate = (value) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));

  document.addEventListener('switchyard:overview', ({ detail: overview }) => {
    if (!graph) return;
    const t = Date.parse(overview.generatedAt) / 1000;
    if (previous && t <= previous.t) return;
    update(overview, previous ? t - previous.t : 0, previous?.overview);
    previous = { t, overview };
  });
  document.addEventListener('switchyard:consumers', ({ detail }) => {
    consumers = detail;
  });
  document.addEventListener('switchyard:rebuild', ({ detail }) => {
    rebuildRun = detail;
  });

  fetch('/api/topology')
    .then((response) => {
      if (!response.ok) throw new Error(`GET /api/topology answered ${response.status}`);
      return response.json();
    })
    .then((topology) => {
      draw(topology);
      status.textContent = '';
    })
    .catch((error) => {
      status.textContent = `Topology unavailable: ${error.message}`;
      status.classList.add('error');
    });
})();
