//! A GStreamer pipeline whose bus messages become [`PlayerEvent`]s on a channel.

use std::sync::mpsc::{Receiver, Sender, channel};

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::{Error, PlayerEvent, PlayerState, Result, init};

/// A running GStreamer pipeline. Dropping it stops it.
pub struct Pipeline {
    element: gst::Element,
    events: Receiver<PlayerEvent>,
}

impl Pipeline {
    /// Builds a pipeline from a `gst-launch` description (paused until [`Pipeline::play`]).
    pub fn launch(description: &str) -> Result<Pipeline> {
        init()?;
        let element =
            gst::parse::launch(description).map_err(|error| Error::Pipeline(error.to_string()))?;
        let bus = element.bus().ok_or_else(|| Error::Pipeline("the pipeline has no bus".into()))?;
        let (sender, events) = channel();
        let pipeline_object = element.clone().upcast::<gst::Object>();
        // Called on GStreamer's streaming threads: translate and forward, never block.
        bus.set_sync_handler(move |_bus, message| {
            forward(&sender, &pipeline_object, message);
            gst::BusSyncReply::Drop
        });
        Ok(Pipeline { element, events })
    }

    /// Asks the pipeline to play; the change is confirmed by a `StateChanged` event.
    pub fn play(&self) -> Result<()> {
        self.set_state(gst::State::Playing, "playing")
    }

    /// Asks the pipeline to pause.
    pub fn pause(&self) -> Result<()> {
        self.set_state(gst::State::Paused, "paused")
    }

    /// Events from the bus, in order.
    pub fn events(&self) -> &Receiver<PlayerEvent> {
        &self.events
    }

    fn set_state(&self, state: gst::State, name: &'static str) -> Result<()> {
        self.element.set_state(state).map(|_| ()).map_err(|_| Error::StateChange { state: name })
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        if self.element.set_state(gst::State::Null).is_err() {
            tracing::warn!("the pipeline did not stop cleanly");
        }
    }
}

fn forward(sender: &Sender<PlayerEvent>, pipeline: &gst::Object, message: &gst::Message) {
    let event = match message.view() {
        gst::MessageView::StateChanged(change) if message.src() == Some(pipeline) => {
            PlayerEvent::StateChanged(match change.current() {
                gst::State::Playing => PlayerState::Playing,
                gst::State::Paused => PlayerState::Paused,
                _ => PlayerState::Stopped,
            })
        }
        gst::MessageView::Eos(_) => PlayerEvent::EndOfStream,
        gst::MessageView::Error(error) => {
            let element =
                message.src().map(|source| source.path_string().to_string()).unwrap_or_default();
            PlayerEvent::Error {
                failure: crate::player::failure_of(&error.error(), &element),
                message: error.error().to_string(),
                element,
            }
        }
        _ => return,
    };
    // The receiver is gone only when the pipeline is being dropped; nothing is left to tell.
    if sender.send(event).is_err() {
        tracing::trace!("player event dropped: nobody listens any more");
    }
}
