"""The classroom dashboard (`hedgesim demo`): a Solara page around the Mesa layer's model."""
