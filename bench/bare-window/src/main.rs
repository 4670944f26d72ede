//! The smallest Tauri 2 app: one window showing a static page. The benchmark's baseline.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the window could not start");
}
