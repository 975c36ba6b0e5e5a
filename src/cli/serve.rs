//! `foi serve`: the staff dashboard over HTTP (see `web`).

use super::App;
use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Keep it on loopback unless a TLS reverse proxy is in
    /// front (then also give --secure-cookies).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS only): give this
    /// when users reach the dashboard through HTTPS.
    #[arg(long)]
    pub secure_cookies: bool,
}

/// `foi serve [--bind ADDR] [--secure-cookies]`: until Ctrl-C or SIGTERM.
pub async fn run(app: App, args: ServeArgs) -> anyhow::Result<()> {
    if app.store.users().await?.is_empty() {
        eprintln!("warning: no user can sign in yet: `foi users add NAME --role admin` makes one");
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}: is another program using it? choose another with --bind",
                args.bind
            )
        })?;
    let addr = listener.local_addr()?;
    eprintln!("dashboard on http://{addr}/ (Ctrl-C stops it)");
    let state = crate::web::WebState::new(app.config, app.store, app.clock, args.secure_cookies);
    let mut stop = super::send::shutdown_signal();
    crate::web::serve(state, listener, async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await
}
