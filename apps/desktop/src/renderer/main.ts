// The renderer's entry: the transport its host offers (Electron's preload bridge, or the
// hub's HTTP API when a browser loaded it from the hub), then the app.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { HubApi } from './api/hub-api.ts';
import { HttpTransport } from './api/http-transport.ts';
import { IpcTransport, type PreloadBridge } from './api/ipc-transport.ts';
import { startApp } from './shell/app.ts';
import { VIEWS } from './views/index.ts';

const bridge = (window as unknown as { metricsHub?: PreloadBridge }).metricsHub;
const api = new HubApi(bridge ? new IpcTransport(bridge) : new HttpTransport());
startApp(document.getElementById('app')!, api, VIEWS);
