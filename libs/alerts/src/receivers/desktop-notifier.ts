// The one thing the desktop receiver needs from the platform. Linux without Electron uses
// LinuxDesktopNotifier (notify-send over D-Bus); the Electron main process plugs in its own
// `Notification` behind the same interface.

export type DesktopUrgency = 'low' | 'normal' | 'critical';

export interface DesktopNotice {
  /** Plain text. */
  title: string;
  /** Plain text, may hold newlines; an implementation escapes it for its markup. */
  body: string;
  urgency: DesktopUrgency;
  /**
   * Same id = same subject (one alert group): an implementation that can, replaces the
   * earlier notification instead of stacking a new one.
   */
  id?: string;
}

export interface DesktopNotifier {
  /** Resolves when the notification server accepted it; rejects with a DeliveryError. */
  notify(notice: DesktopNotice): Promise<void>;
}
