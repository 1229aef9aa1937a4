//! The wasm entry point: mounts every `[data-booking-widget]` element of the page.

fn main() {
    booking_widget::mount_all();
}
