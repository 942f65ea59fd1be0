import BuildProvenance
import Dataset
import PipelineCore

StageMain.run(DatasetStage.self, codeTable: codeTable)
