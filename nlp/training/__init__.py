"""Training helpers: the segmentation model (segmenter) and, later, the NER fixtures."""
