// The renderer's entry: the transport and file transfers its host offers (Electron's
// preload bridge, or the hub's HTTP API when a browser loaded it from the hub), then the app.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { HubApi } from './api/hub-api.ts';
import { HttpTransport } from './api/http-transport.ts';
import { IpcTransport, type PreloadBridge } from './api/ipc-transport.ts';
import { startApp } from './shell/app.ts';
import { BrowserFileTransfers } from './transfers/browser-transfers.ts';
import { IpcFileTransfers } from './transfers/ipc-transfers.ts';
import { VIEWS } from './views/index.ts';

const bridge = (window as unknown as { metricsHub?: PreloadBridge }).metricsHub;
const api = new HubApi(bridge ? new IpcTransport(bridge) : new HttpTransport());
const transfers = bridge ? new IpcFileTransfers(bridge) : new BrowserFileTransfers();
startApp(document.getElementById('app')!, api, transfers, VIEWS);
