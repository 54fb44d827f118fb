//! A TCP proxy between the server and PostgreSQL that a test can cut: to see what the API
//! does when its database goes away mid-run, and comes back.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

const UP: u8 = 0;
/// Connections refused and the live ones cut, as when PostgreSQL stops.
const DOWN: u8 = 1;
/// Connections accepted but nothing ever answered, as when the network drops packets.
const SILENT: u8 = 2;

/// The proxy; dropping it stops it.
pub struct DbProxy {
    pub port: u16,
    mode: Arc<AtomicU8>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl DbProxy {
    /// Starts forwarding 127.0.0.1:`port` to `target` (host:port).
    pub async fn start(target: String) -> DbProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mode = Arc::new(AtomicU8::new(UP));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = {
            let mode = mode.clone();
            let links = links.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((mut client, _)) = listener.accept().await else {
                        return;
                    };
                    match mode.load(Ordering::SeqCst) {
                        DOWN => drop(client),
                        SILENT => {
                            // Hold the socket open and say nothing.
                            links.lock().await.push(tokio::spawn(async move {
                                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                                drop(client);
                            }));
                        }
                        _ => {
                            let target = target.clone();
                            links.lock().await.push(tokio::spawn(async move {
                                if let Ok(mut server) = TcpStream::connect(&target).await {
                                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server)
                                        .await;
                                }
                            }));
                        }
                    }
                }
            })
        };
        DbProxy {
            port,
            mode,
            links,
            accept,
        }
    }

    async fn cut(&self) {
        for link in self.links.lock().await.drain(..) {
            link.abort();
        }
    }

    /// PostgreSQL is gone: every connection is cut, new ones are refused.
    pub async fn down(&self) {
        self.mode.store(DOWN, Ordering::SeqCst);
        self.cut().await;
    }

    /// The network swallows everything: connections hang.
    pub async fn silent(&self) {
        self.mode.store(SILENT, Ordering::SeqCst);
        self.cut().await;
    }

    /// PostgreSQL is back.
    pub async fn up(&self) {
        self.mode.store(UP, Ordering::SeqCst);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
