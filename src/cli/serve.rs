//! `foi serve`: the staff dashboard over HTTP (see `web`).

use super::{App, Printer};
use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;

#[derive(Debug, Args)]
pub struct ServeCommand {
    /// Address and port to listen on. Keep it on loopback unless a TLS reverse proxy is in
    /// front (then also give --secure-cookies).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS only): give this
    /// when users reach the dashboard through HTTPS.
    #[arg(long)]
    pub secure_cookies: bool,
}

impl ServeCommand {
    /// Until Ctrl-C or SIGTERM. Prints nothing to stdout: what it says goes to stderr.
    pub async fn execute(self, app: App, _out: &mut Printer) -> anyhow::Result<()> {
        if app.store.users().await?.is_empty() {
            eprintln!(
                "warning: no user can sign in yet: `foi users add NAME --role admin` makes one"
            );
        }
        let listener = tokio::net::TcpListener::bind(self.bind)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {}: is another program using it? choose another with --bind",
                    self.bind
                )
            })?;
        let addr = listener.local_addr()?;
        eprintln!("dashboard on http://{addr}/ (Ctrl-C stops it)");
        let state =
            crate::web::WebState::new(app.settings, app.store, app.clock, self.secure_cookies);
        let mut stop = super::app::shutdown_signal();
        crate::web::serve(state, listener, async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
    }
}
