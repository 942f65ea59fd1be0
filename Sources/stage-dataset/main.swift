import BuildProvenance
import PipelineCore
import Stages

StageMain.run(DatasetStage.self, builtFrom: builtSourceDigests)
