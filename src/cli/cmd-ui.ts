import { startUi } from '../ui/ui-server.js';
import { COMMON_OPTIONS, parse } from './args.js';
import { LAB_OPTIONS, labSettings } from './cmd-lab.js';
import type { CliCommand } from './command.js';
import { SERVER_OPTIONS, serveUntilInterrupted, serverSettings } from './serve-flags.js';

const HELP = `Usage: brp-nas ui --dir DIR [--host 127.0.0.1] [--port 8643] [--https] [lab options]

A web app for searches and devices. Searches: every real search under DIR (a --state directory)
and every simulated result file (--out), listed with their status; a search's page shows, live
while it runs, its progress and time left, the best accuracy so far against models trained and
against time, the Pareto front (accuracy against latency, or MFLOPs when nothing measured latency;
the --lat-limit line drawn), every candidate (sortable; each attempt's stdout and stderr; its cell
drawn) and the selected model with its files. Pages update as the journal grows (server-sent
events), and show the truth after a search restarts or when opened mid-search. Read-only: the app
writes nothing under DIR but its token (DIR/ui.json), a certificate (DIR/tls/) and the lab's data.

Devices: the latency lab's pages, /device (any phone or browser that opens it measures networks)
and /devices (the dashboard); datasets and predictors go to DIR/lab (see 'brp-nas lab --help' for
the lab's options, which ui takes too).

The app binds to 127.0.0.1 unless --host says otherwise; every request needs its token (in the
printed URL; kept in DIR/ui.json, so a restarted app keeps its URL). --https serves TLS with a
self-signed certificate for this machine's names and addresses, kept in DIR/tls/ (or --cert/--key):
a phone then gets a secure context (WebGPU, WebAssembly threads).

Options:
  --dir DIR                     where the searches are (required)
  --host H / --port P           address to listen on (default 127.0.0.1:8643; --port 0 picks a free one)
  --https, --cert FILE --key FILE   as for 'brp-nas lab'
  --space, --count, --seed, --warmup, --rounds, --runs-per-round, --interleave, --train-at, --predictor
                                the lab's settings, as for 'brp-nas lab'
  --no-qr                       no QR code (printed only when stdout is a terminal)

Runs until Ctrl-C (exit 130).`;

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: 'serve a web app: searches (live), cell drawings, and the latency lab',
  async run(argv, io) {
    const { values: v } = parse('ui', argv, { ...COMMON_OPTIONS, ...SERVER_OPTIONS, ...LAB_OPTIONS });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    const lab = labSettings(v, 'ui');
    const { dir, host, port, tls } = await serverSettings(v, 'ui', 'the searches under it are shown', 8643, io);
    const ui = await startUi({ dir, host, port, tls, lab, onEvent: v.quiet ? undefined : (l) => io.err(`brp-nas ui: ${l}`) });
    const device = ui.url.replace('/?', '/device?');
    return serveUntilInterrupted(io, v, { line: `brp-nas ui: open ${ui.url} (devices measure at ${device})`, host, qrUrl: device, close: ui.close });
  },
};
